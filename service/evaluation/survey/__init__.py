"""Questionnaires (问卷调查, notice section 二(三)): definitions as data, resident links and QR codes, answers of
officials, staff and residents (online or typed in from paper), and their scores per county and group."""
